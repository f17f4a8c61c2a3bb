from django.db import models


class ProviderKind(models.TextChoices):
    GLOBAL_SERVICE_CENTRE = "global_service_centre", "Global service centre"
    REGIONAL_SERVICE_CENTRE = "regional_service_centre", "Regional service centre"
    JOINT_SUPPORT_OFFICE = "joint_support_office", "Joint support office"
    OFFICE_AWAY_FROM_HQ = "office_away_from_hq", "Office away from Headquarters"
    REGIONAL_COMMISSION = "regional_commission", "Regional commission"
    HQ_DIVISION = "hq_division", "Headquarters division"
