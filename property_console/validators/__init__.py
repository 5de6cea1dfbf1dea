"""Validators for Chinese identity data: ID numbers, credit codes, phones, plates."""

from property_console.validators.credit_code import check_credit_code
from property_console.validators.id_number import IdNumberInfo, check_id_number
from property_console.validators.phone import normalise_phone
from property_console.validators.plate import check_plate

__all__ = ["IdNumberInfo", "check_credit_code", "check_id_number", "check_plate", "normalise_phone"]
