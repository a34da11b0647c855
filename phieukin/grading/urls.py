from django.urls import path

from phieukin.grading import views

app_name = "grading"
urlpatterns = [
    path("", views.index, name="index"),
    path("years/<int:pk>/", views.year_table, name="year"),
    path("<int:pk>/", views.grading_detail, name="grading"),
    path("<int:pk>/steps/<str:step>/", views.take_step, name="step"),
    path("<int:pk>/ban-kiem-diem.docx", views.review_form, name="review_form"),
]
