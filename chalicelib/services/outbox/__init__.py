"""The send path: every outbound message, from the trigger to the provider's answer.

compose   a domain event, a timer or a person's words become a message, judged by the one rule
          (domain/sending.py) and claimed in the ledger
ledger    every record of a send's outcome: claimed, sent, failed, held, suppressed (written here only)
dispatch  a claimed message to the provider now, or to the rate-governed SMS queue
drain     the queue at each origination identity's rate, each text judged again right before it goes
release   held texts (quiet hours, retries) when they fall due, judged again
judge     the rule's inputs for a message already written: the job, the recipient's consent and place"""
