from django.db import models


class EntityType(models.TextChoices):
    DEPARTMENT = "department", "Department"
    OFFICE = "office", "Office"
    REGIONAL_COMMISSION = "regional_commission", "Regional commission"
    OFFICE_AWAY_FROM_HQ = "office_away_from_hq", "Office away from Headquarters"
    PEACEKEEPING_OPERATION = "peacekeeping_operation", "Peacekeeping operation"
    SPECIAL_POLITICAL_MISSION = "special_political_mission", "Special political mission"
    RESIDENT_COORDINATOR_OFFICE = "resident_coordinator_office", "Resident coordinator office"
    OTHER = "other", "Other"


class Pillar(models.TextChoices):
    PEACE_AND_SECURITY = "peace_and_security", "Peace and security"
    DEVELOPMENT = "development", "Development"
    HUMAN_RIGHTS = "human_rights", "Human rights"
    HUMANITARIAN = "humanitarian", "Humanitarian affairs"
    MANAGEMENT_AND_SUPPORT = "management_and_support", "Management and support"
    LEGAL_AND_OVERSIGHT = "legal_and_oversight", "Legal affairs and oversight"
    GENERAL_ASSEMBLY_AND_CONFERENCE = (
        "general_assembly_and_conference",
        "General Assembly and conference management",
    )
    COMMUNICATIONS = "communications", "Communications"
