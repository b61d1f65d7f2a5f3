from school_improvement.core.appconfig import CapabilityConfig


class JourneysConfig(CapabilityConfig):
    name = "school_improvement.journeys"
    label = "journeys"
    verbose_name = "Improvement journeys"
    # CapabilityConfig is imported here too, so Django must be told which AppConfig is the app's.
    default = True
