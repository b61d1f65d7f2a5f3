from django.urls import path

from . import api

urlpatterns = [
    path("v1/journeys/", api.JourneyListView.as_view(), name="journey_list"),
    path("v1/journeys/watchlist/", api.WatchlistView.as_view(), name="journey_watchlist"),
    path("v1/journeys/<int:pk>/", api.JourneyDetailView.as_view(), name="journey_detail"),
    path("v1/journeys/<int:pk>/move/", api.JourneyMoveView.as_view(), name="journey_move"),
    path("v1/journeys/<int:pk>/needs/", api.JourneyNeedsView.as_view(), name="journey_needs"),
    path("v1/journeys/reviews/<int:pk>/", api.ReviewView.as_view(), name="journey_review"),
    path("v1/journeys/actions/<int:pk>/", api.ActionView.as_view(), name="journey_action"),
]
