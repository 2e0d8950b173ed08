"""The site's URLs plus one trivial view: the yardstick every figure is divided by."""

from django.http import HttpResponse
from django.urls import include, path


def trivial(request):
    return HttpResponse("ok")


urlpatterns = [path("bench/trivial/", trivial), path("", include("copse.urls"))]
