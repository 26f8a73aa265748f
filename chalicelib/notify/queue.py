"""The outbound text queues (SQS, infra/template.yaml): claimed texts wait here for the drainer, which
sends them at their identity's rate. Two queues, urgent and routine, so the drainer can take every urgent
text before any routine one. A queue entry names the claimed message; the ledger stays the truth about it."""
import json

from ..config import environment
from ..domain.pacing import QueuedText


class TextQueue:
    def __init__(self, client=None):
        self._client = client

    @property
    def client(self):
        if self._client is None:
            import boto3
            self._client = boto3.client("sqs")
        return self._client

    @staticmethod
    def configured() -> bool:
        s = environment()
        return bool(s.urgent_texts_queue_url and s.routine_texts_queue_url)

    @staticmethod
    def _url(urgent: bool) -> str:
        s = environment()
        return s.urgent_texts_queue_url if urgent else s.routine_texts_queue_url

    def put(self, entry: QueuedText) -> None:
        body = {"org_id": entry.org_id, "job_id": entry.job_id, "key": entry.key, "identity": entry.identity,
                "parts": entry.parts}
        self.client.send_message(QueueUrl=self._url(entry.urgent), MessageBody=json.dumps(body))
        bell = environment().text_bell_queue_url
        if entry.urgent and bell:  # the drainer now, not at its next minute (docs/latency.md)
            self.client.send_message(QueueUrl=bell, MessageBody="{}")

    def receive(self, urgent: bool) -> list[QueuedText]:
        """Up to 10 entries, hidden from other readers for the queue's visibility timeout."""
        answer = self.client.receive_message(QueueUrl=self._url(urgent), MaxNumberOfMessages=10)
        return [QueuedText(**json.loads(m["Body"]), urgent=urgent, handle=m["ReceiptHandle"])
                for m in answer.get("Messages", [])]

    def done(self, entry: QueuedText) -> None:
        self.client.delete_message(QueueUrl=self._url(entry.urgent), ReceiptHandle=entry.handle)

    def give_back(self, entries: list[QueuedText]) -> None:
        """Visible again at once, for the next drainer run (in the order the queue keeps)."""
        for urgent in (True, False):
            mine = [e for e in entries if e.urgent is urgent]
            for i in range(0, len(mine), 10):
                self.client.change_message_visibility_batch(QueueUrl=self._url(urgent), Entries=[
                    {"Id": str(n), "ReceiptHandle": e.handle, "VisibilityTimeout": 0}
                    for n, e in enumerate(mine[i:i + 10])])
