from django.contrib.auth import views as auth_views
from django.urls import path

from phieukin.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.account, name="account"),
    path("login/", auth_views.LoginView.as_view(template_name="accounts/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("2fa/", views.second_factor, name="second_factor"),
    path("2fa/setup/", views.second_factor_setup, name="second_factor_setup"),
    path("password/", views.password_change, name="password_change"),
    path("tokens/", views.api_tokens, name="api_tokens"),
    path("tokens/<int:pk>/revoke/", views.revoke_api_token, name="revoke_api_token"),
    path("security/", views.security, name="security"),
    path("committee/", views.committee, name="committee"),
    path(
        "committee/<int:unit_id>/<int:user_id>/remove/",
        views.committee_remove,
        name="committee_remove",
    ),
    path("security/unlock/<int:pk>/", views.unlock_sign_in, name="unlock_sign_in"),
    path("security/reset/<int:pk>/", views.reset_second_factor, name="reset_second_factor"),
]
