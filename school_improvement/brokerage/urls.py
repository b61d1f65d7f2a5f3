from django.urls import path

from . import views

app_name = "brokerage"

urlpatterns = [
    path("", views.OverviewView.as_view(), name="overview"),
    path("providers/", views.ProviderListView.as_view(), name="provider_list"),
    path("providers/new/", views.ProviderFormView.as_view(), name="provider_create"),
    path("providers/<int:pk>/", views.ProviderDetailView.as_view(), name="provider_detail"),
    path("providers/<int:pk>/edit/", views.ProviderFormView.as_view(), name="provider_edit"),
    path("providers/<int:pk>/conflicts/", views.ConflictView.as_view(), name="conflict_add"),
    path("needs/", views.NeedListView.as_view(), name="need_list"),
    path("needs/from-categories/", views.NeedsFromCategoriesView.as_view(), name="needs_from_categories"),
    path("needs/<int:pk>/", views.NeedDetailView.as_view(), name="need_detail"),
    path("needs/<int:pk>/choose/", views.NeedChooseView.as_view(), name="need_choose"),
    path("needs/<int:pk>/close/", views.NeedCloseView.as_view(), name="need_close"),
    path("schools/<int:urn>/need/", views.NeedCreateView.as_view(), name="need_create"),
    path("plan/", views.PlanView.as_view(), name="plan"),
    path("matches/<int:pk>/", views.MatchUpdateView.as_view(), name="match_update"),
    path("settings/", views.SettingsView.as_view(), name="settings"),
    path("gap/", views.GapView.as_view(), name="gap"),
    path("support/", views.SupportListView.as_view(), name="support_list"),
    path("support/<int:pk>/claim/", views.ClaimCreateView.as_view(), name="claim_create"),
    path("claims/<int:pk>/confirm/", views.ClaimConfirmView.as_view(), name="claim_confirm"),
]
