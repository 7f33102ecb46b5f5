from django.urls import path

from voiphistory.overview import views

app_name = "overview"

urlpatterns = [
    path("overview/", views.overview, name="page"),
    path("overview/refresh/", views.refresh, name="refresh"),
    path("overview/missed/", views.missed, name="missed"),
]
