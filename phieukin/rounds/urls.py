from django.urls import path

from phieukin.rounds import views

app_name = "rounds"
urlpatterns = [
    path("", views.round_list, name="list"),
    path("new/", views.round_create, name="create"),
    path("<int:pk>/", views.round_detail, name="detail"),
    path("<int:pk>/plan/", views.round_plan, name="plan"),
    path("<int:pk>/live/", views.round_live, name="live"),
    path("<int:pk>/<slug:action>/", views.round_transition, name="transition"),
    path("conferences/<int:pk>/", views.conference_detail, name="conference"),
    path("conferences/<int:pk>/details/", views.conference_details, name="conference_details"),
]
