"""Key layout of the single table. Every key starts with the organization: nothing crosses tenants."""
from datetime import datetime


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def org(org_id: str) -> str:
    return f"ORG#{org_id}"


def job(org_id: str, job_id: str) -> str:
    return f"ORG#{org_id}#JOB#{job_id}"


JOB_SK = "JOB"
APPOINTMENT_SK_PREFIX = "APPT#"


def jobs_index(org_id: str, status: str | None = None) -> str:
    return f"ORG#{org_id}#JOBS" + (f"#{status}" if status else "")


def provider_index(org_id: str, provider_id: str) -> str:
    return f"ORG#{org_id}#PROVIDER#{provider_id}"


def technician_index(org_id: str, technician_id: str) -> str:
    return f"ORG#{org_id}#TECH#{technician_id}"


def day_index(org_id: str, utc_day: str) -> str:
    return f"ORG#{org_id}#DAY#{utc_day}"


def slug_claim(slug: str) -> str:
    return f"SLUG#{slug}"


def number_claim(number: str) -> str:
    return f"NUMBER#{number}"


def phone_index(org_id: str, phone: str) -> str:
    return f"ORG#{org_id}#PHONE#{phone}"


def consent(org_id: str, address: str) -> str:
    return f"ORG#{org_id}#CONSENT#{address}"


def customer_contacts(org_id: str, customer_id: str) -> str:
    return f"ORG#{org_id}#CUST#{customer_id}"


def customer_jobs_index(org_id: str, customer_id: str) -> str:
    return f"ORG#{org_id}#CUSTOMER#{customer_id}"


def provider_message_index(provider_id: str) -> str:
    return f"SENT#{provider_id}"
