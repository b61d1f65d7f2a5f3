from school_improvement.core.appconfig import CapabilityConfig


class BrokerageConfig(CapabilityConfig):
    name = "school_improvement.brokerage"
    label = "brokerage"
    verbose_name = "Capacity and brokerage"
    # CapabilityConfig is imported here too, so Django must be told which AppConfig is the app's.
    default = True
