"""Writes about SLAs: registration from the common template (``registration``), lines and
targets checked against the minimum service standards (``targets``), who may do what
(``permissions``) and the life cycle of DOMAIN §6 with its notices (``lifecycle``)."""

from .lifecycle import (
    EXPIRY_NOTICE_DAYS,
    sla_amend,
    sla_approve,
    sla_return,
    sla_submit,
    sla_terminate,
    slas_update_lifecycle,
)
from .permissions import PermissionDeniedForAction, allowed_actions, sla_roles
from .registration import sla_create, sla_update_draft
from .targets import LineInput, TargetInput, find_overlap, target_inputs, weaker_than_standard

__all__ = [
    "EXPIRY_NOTICE_DAYS",
    "LineInput",
    "PermissionDeniedForAction",
    "TargetInput",
    "allowed_actions",
    "find_overlap",
    "sla_amend",
    "sla_approve",
    "sla_create",
    "sla_return",
    "sla_roles",
    "sla_submit",
    "sla_terminate",
    "sla_update_draft",
    "slas_update_lifecycle",
    "target_inputs",
    "weaker_than_standard",
]
