from django.urls import path

from voiphistory.jobs import views

app_name = "jobs"

urlpatterns = [
    path("jobs/", views.job_list, name="list"),
    path("jobs/start/", views.start, name="start"),
    path("jobs/danger-zone/", views.danger, name="danger"),
    path("jobs/voipstudio-export/", views.user_export, name="user_export"),
    path("jobs/<int:id>/", views.detail, name="detail"),
    path("jobs/<int:id>/cancel/", views.cancel, name="cancel"),
    path("jobs/<int:id>/download/", views.download, name="download"),
]
