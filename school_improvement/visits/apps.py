from school_improvement.core.appconfig import CapabilityConfig


class VisitsConfig(CapabilityConfig):
    name = "school_improvement.visits"
    label = "visits"
    verbose_name = "Adviser time and visits"
    # CapabilityConfig is imported here too, so Django must be told which AppConfig is the app's.
    default = True
