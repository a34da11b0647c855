from django.urls import path

from phieukin.selfcheck import views

app_name = "selfcheck"
urlpatterns = [
    path("", views.index, name="index"),
    path("checklists/", views.checklists, name="checklists"),
    path("checklists/<int:pk>/", views.checklist_detail, name="checklist"),
    path("new/", views.session_create, name="create"),
    path("<int:pk>/", views.session_detail, name="session"),
    path("<int:pk>/update/", views.session_update, name="update"),
    path("<int:pk>/individuals/", views.individual_add, name="add_individual"),
    path("<int:pk>/findings/", views.finding_add, name="add_finding"),
    path("<int:pk>/entries/<int:entry>/none/", views.none_apply, name="none_apply"),
    path("<int:pk>/findings/<int:finding>/", views.follow_up, name="follow_up"),
    path("<int:pk>/report.<str:fmt>", views.report, name="report"),
]
