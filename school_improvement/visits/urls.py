from django.urls import path

from . import views

app_name = "visits"

urlpatterns = [
    path("", views.VisitListView.as_view(), name="visit_list"),
    path("<int:pk>/", views.VisitDetailView.as_view(), name="visit_detail"),
    path("<int:pk>/note/", views.VisitEditView.as_view(), name="visit_edit"),
    path("<int:pk>/note/autosave/", views.VisitAutosaveView.as_view(), name="visit_autosave"),
    path("<int:pk>/send/", views.VisitStepView.as_view(step="send"), name="visit_send"),
    path("<int:pk>/respond/", views.VisitRespondView.as_view(), name="visit_respond"),
    path("<int:pk>/answer/", views.VisitAnswerView.as_view(), name="visit_answer"),
    path("<int:pk>/issue/", views.VisitStepView.as_view(step="issue"), name="visit_issue"),
    path("<int:pk>/cancel/", views.VisitCancelView.as_view(), name="visit_cancel"),
    path("<int:pk>/note.pdf", views.VisitDocumentView.as_view(fmt="pdf"), name="visit_pdf"),
    path("<int:pk>/note.docx", views.VisitDocumentView.as_view(fmt="docx"), name="visit_docx"),
    path("schools/<int:urn>/plan/", views.VisitPlanView.as_view(), name="visit_plan"),
    path("schools/<int:urn>/entitlement/", views.EntitlementView.as_view(), name="entitlement"),
    path("schools/<int:urn>/case-conference/", views.ConferenceCreateView.as_view(), name="conference_create"),
    path("actions/", views.ActionListView.as_view(), name="action_list"),
    path("actions/<int:pk>/", views.ActionUpdateView.as_view(), name="action_update"),
    path("caseload/", views.CaseloadMineView.as_view(), name="caseload_mine"),
    path("caseload/<int:pk>/", views.CaseloadView.as_view(), name="caseload"),
    path("caseload/<int:pk>/capacity/", views.CapacityEditView.as_view(), name="capacity_edit"),
    path("council/", views.CouncilView.as_view(), name="council"),
    path("schedule/", views.ScheduleView.as_view(), name="schedule"),
    path("settings/", views.SettingsView.as_view(), name="settings"),
    path("case-conferences/", views.ConferenceListView.as_view(), name="conference_list"),
    path("case-conferences/<int:pk>/", views.ConferenceDetailView.as_view(), name="conference_detail"),
]
