from django.urls import include, path

urlpatterns = [
    path("", include("voiphistory.accounts.urls")),
    path("", include("voiphistory.history.urls")),
]
