"""Order intake (seed 003): an order from a sales channel is recorded once per (channel, reference),
checked against the organization's eligibility rules, classified by its first matching rule, and becomes
a job; the job's booking confirmation then follows through the stream like any other. What no rule
classifies, or what is not eligible, waits in the `intake` queue for a person."""
from dataclasses import replace

from .. import clock
from ..domain.consent import Source
from ..domain.customers import Customer
from ..domain.errors import Conflict, NotFound, ValidationError, VersionConflict
from ..domain.intake import Classification, Order, OrderStatus, classify, ineligible, job_id_of_order
from ..domain.jobs import Job
from ..domain.people import Role
from ..domain.queues import QueueEntry, QueueName
from .access import Caller
from .repositories import Repositories

NO_RULE = "no classification rule matched: assign priority and location"


def receive(repos: Repositories, caller: Caller, order: Order) -> tuple[Order, bool]:
    """The order's outcome, and whether this call created it (False: a resent order, nothing new)."""
    caller.require(Role.DISPATCHER, Role.INTAKE)
    order = replace(order, org_id=caller.org_id, received_at=clock.now())
    earlier = repos.orders.claim(order)
    if earlier is not None:
        if earlier.status is not None:
            return earlier, False
        order = earlier  # recorded by a try that stopped half-way: finish it, every step is idempotent
    rules = repos.classification.get(caller.org_id)
    now = clock.now()
    if reasons := ineligible(order, rules.eligibility):
        order.status, order.reasons, order.queue = OrderStatus.INTAKE, reasons, QueueName.INTAKE.value
        repos.queues.add(QueueEntry(caller.org_id, QueueName.INTAKE, None, None, "; ".join(reasons), now,
                                    order_id=order.id), f"intake:{order.id}")
        repos.orders.save(order)
        return order, True
    rule = classify(order, rules.rules)
    if rule is None:
        order.reasons, order.queue = [NO_RULE], QueueName.INTAKE.value
    else:
        order.priority = rule.priority or order.priority
        order.location_id, order.queue = rule.location_id, rule.queue
    if order.location_id:
        try:
            repos.locations.get(caller.org_id, order.location_id)
        except NotFound:  # removed since the rule was written: a person picks one
            order.reasons.append(f"location {order.location_id} no longer exists")
            order.location_id, order.queue = None, QueueName.INTAKE.value
    job = _job(repos, order, _customer(repos, order, now), now)
    order.job_id = job.id
    order.status = OrderStatus.INTAKE if order.queue == QueueName.INTAKE.value else OrderStatus.ACCEPTED
    if order.queue and order.queue != QueueName.UNASSIGNED.value:  # unassigned keeps itself in step
        appointment = job.appointments[0].id if job.appointments else None
        repos.queues.add(QueueEntry(caller.org_id, QueueName(order.queue), job.id, appointment,
                                    "; ".join(order.reasons) or f"order {order.reference} from {order.channel}", now,
                                    order_id=order.id), f"{order.queue}:{order.id}")
    repos.orders.save(order)
    return order, True


def _customer(repos: Repositories, order: Order, now) -> Customer:
    """Found by phone, else created (with an id derived from the order, so a retry finds it)."""
    c = order.customer
    if c.phone and (found := repos.customers.by_phone(order.org_id, c.phone)):
        return found
    customer = Customer(id="cus_" + order.id.removeprefix("ord_"), org_id=order.org_id, name=c.name, phone=c.phone,
                        email=c.email, address=order.address, created_at=now, preferred_channel=c.channel or "sms",
                        consent_source=Source.ORDER_INTAKE)
    try:
        repos.customers.add(customer)
    except Conflict:
        return repos.customers.get(order.org_id, customer.id)
    return customer


def _job(repos: Repositories, order: Order, customer: Customer, now) -> Job:
    job = Job.create(order.org_id, customer.id, f"{order.service_type}: {order.description}", now,
                     priority=order.priority, location_id=order.location_id, channel=order.channel)
    job.id = job_id_of_order(order.id)
    window = next((w for w in order.windows if w.start > now), None)
    if window:
        job.schedule(window, now)
    elif order.windows:
        order.reasons.append("every requested window has passed: left unscheduled")
    try:
        repos.jobs.save(job)
    except VersionConflict:  # made by an earlier try
        return repos.jobs.get(order.org_id, job.id)
    return job


def classification(repos: Repositories, caller: Caller) -> Classification:
    caller.require(Role.DISPATCHER)
    return repos.classification.get(caller.org_id)


def update_classification(repos: Repositories, caller: Caller, rules: Classification) -> Classification:
    """Refused whole (400, the stored rules stay) if a rule names an unknown queue, priority or location."""
    caller.require(Role.DISPATCHER)
    rules.validate({q.value for q in QueueName})
    for n, rule in enumerate(rules.rules):
        if rule.location_id:
            try:
                repos.locations.get(caller.org_id, rule.location_id)
            except NotFound:
                raise ValidationError(f"rules.{n}.location_id", "no such location") from None
    repos.classification.save(caller.org_id, rules)
    return rules
