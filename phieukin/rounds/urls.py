from django.urls import path

from phieukin.rounds import views

app_name = "rounds"
urlpatterns = [
    path("", views.round_list, name="list"),
    path("new/", views.round_create, name="create"),
    path("<int:pk>/", views.round_detail, name="detail"),
    path("<int:pk>/plan/", views.round_plan, name="plan"),
    path("<int:pk>/live/", views.round_live, name="live"),
    path("<int:pk>/edit/", views.round_edit, name="edit"),
    path("<int:pk>/delete/", views.round_delete, name="delete"),
    path("conferences/<int:pk>/remove/", views.conference_remove, name="conference_remove"),
    path("<int:pk>/<slug:action>/", views.round_transition, name="transition"),
    path("conferences/<int:pk>/", views.conference_detail, name="conference"),
    path("conferences/<int:pk>/details/", views.conference_details, name="conference_details"),
]
