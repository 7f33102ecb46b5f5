from django.urls import include, path

urlpatterns = [
    path("", include("voiphistory.ops.urls")),
    path("", include("voiphistory.accounts.urls")),
    path("", include("voiphistory.jobs.urls")),  # before history: its "<slug>/" would catch "jobs/"
    path("", include("voiphistory.audit.urls")),  # before history too: "audit/" is no table
    path("", include("voiphistory.overview.urls")),  # before history: "overview/" is no table
    path("", include("voiphistory.history.urls")),
]

handler400 = "voiphistory.ops.errors.bad_request"  # too large, too many fields: the reason in words
