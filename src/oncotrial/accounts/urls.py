from django.contrib.auth import views as auth_views
from django.urls import path

from oncotrial.accounts import views

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="registration/login.html"),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("sites/", views.site_list, name="site-list"),
    path("sites/new/", views.site_create, name="site-create"),
    path("sites/<int:site_id>/", views.site_edit, name="site-edit"),
    path("users/", views.user_list, name="user-list"),
    path("users/new/", views.user_create, name="user-create"),
    path("users/<int:user_id>/", views.user_detail, name="user-detail"),
    path("users/<int:user_id>/active/", views.user_set_active, name="user-set-active"),
    path("memberships/<int:membership_id>/end/", views.membership_end, name="membership-end"),
]
