from django.urls import path

from phieukin.questionnaires import views

app_name = "questionnaires"
urlpatterns = [
    path("", views.questionnaire_list, name="list"),
    path("upload/", views.questionnaire_upload, name="upload"),
    path("<int:pk>/", views.questionnaire_detail_view, name="detail"),
    path("<int:pk>/yaml/", views.questionnaire_download, name="download"),
    path("<int:pk>/new-version/", views.questionnaire_new_version, name="new_version"),
]
