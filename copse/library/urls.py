from django.urls import path

from copse.library import views

app_name = "library"

urlpatterns = [
    path("c/<slug:slug>/library/", views.item_list, name="list"),
    path("c/<slug:slug>/library/new/", views.add_item, name="add"),
    # Items are addressed without their community, so an item shared beyond
    # a confidential community never names it in its address.
    path("library/<int:item_id>/", views.item_detail, name="item"),
    path(
        "library/<int:item_id>/versions/<int:number>/download/",
        views.download_version,
        name="download",
    ),
]
