from django.urls import path

from . import views

app_name = "journeys"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("open/", views.OpenView.as_view(), name="open"),
    path("notifications/", views.NotificationsView.as_view(), name="notifications"),
    path("templates/", views.TemplatesView.as_view(), name="templates"),
    path("<int:pk>/", views.DetailView.as_view(), name="detail"),
    path("<int:pk>/diagnosis/", views.DiagnosisView.as_view(), name="diagnosis"),
    path("<int:pk>/statement/", views.StatementView.as_view(), name="statement"),
    path("<int:pk>/statement.pdf", views.StatementFileView.as_view(), {"fmt": "pdf"}, name="statement_pdf"),
    path("<int:pk>/statement.docx", views.StatementFileView.as_view(), {"fmt": "docx"}, name="statement_docx"),
    path("<int:pk>/move/", views.MoveView.as_view(), name="move"),
    path("<int:pk>/exit/", views.ExitView.as_view(), name="exit"),
    path("<int:pk>/exit-report.pdf", views.ExitReportView.as_view(), name="exit_report"),
    path("<int:pk>/reviews/", views.ReviewsView.as_view(), name="reviews"),
    path("<int:pk>/board/", views.BoardView.as_view(), name="board"),
    path("<int:pk>/escalation/", views.EscalationView.as_view(), name="escalation"),
    path("reviews/<int:pk>/", views.ReviewView.as_view(), name="review"),
    path("actions/<int:pk>/", views.ActionView.as_view(), name="action"),
    path("steps/<int:pk>/letter.pdf", views.StepLetterView.as_view(), {"fmt": "pdf"}, name="step_letter_pdf"),
    path("steps/<int:pk>/letter.docx", views.StepLetterView.as_view(), {"fmt": "docx"}, name="step_letter_docx"),
]
