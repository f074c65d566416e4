from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "apps.resources"
    label = "resources"
    verbose_name = "Resources (artifacts)"

    def ready(self) -> None:
        # Registers the system check of the configured resource classes.
        from apps.resources import checks  # noqa: F401
