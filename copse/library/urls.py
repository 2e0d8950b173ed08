from django.urls import path, re_path

from copse.library import views

app_name = "library"

# A public link's secret: what `secrets.token_urlsafe(32)` draws, nothing else
# (so no byte a database refuses ever reaches a query).
TOKEN = r"(?P<token>[A-Za-z0-9_-]{20,100})"

urlpatterns = [
    path("c/<slug:slug>/library/", views.item_list, name="list"),
    path("c/<slug:slug>/library/new/", views.add_item, name="add"),
    # Items are addressed without their community, so an item shared beyond
    # a confidential community never names it in its address.
    path("library/<int:item_id>/", views.item_detail, name="item"),
    path("library/<int:item_id>/edit/", views.edit_details, name="edit"),
    path("library/<int:item_id>/versions/new/", views.new_version, name="new_version"),
    path("library/<int:item_id>/versions/<int:number>/", views.version_detail, name="version"),
    path(
        "library/<int:item_id>/versions/<int:number>/download/",
        views.download_version,
        name="download",
    ),
    path("library/<int:item_id>/remove/", views.remove, name="remove"),
    path("library/<int:item_id>/share/", views.share, name="share"),
    path("library/<int:item_id>/adapt/", views.adapt, name="adapt"),
    path("library/<int:item_id>/reuse/", views.record_reuse, name="reuse"),
    re_path(rf"^shared/library/{TOKEN}/$", views.shared_item, name="shared"),
    re_path(
        rf"^shared/library/{TOKEN}/versions/(?P<number>[0-9]{{1,9}})/download/$",
        views.shared_download,
        name="shared_download",
    ),
]
