"""Settings of the index service: where to index, and how the Kafka → Elasticsearch sink batches."""

from __future__ import annotations

from pydantic import Field

from services.common.config import CommonSettings


class IndexSettings(CommonSettings):
    """Batching knobs follow Kafka Connect's Elasticsearch sink (batch.size, linger.ms, flush bytes)."""

    index_session_timeout_seconds: float = Field(default=10.0, ge=6.0, description="Group session timeout.")
    index_batch_size: int = Field(default=1000, ge=1, description="Most messages per bulk request.")
    index_max_buffered_records: int = Field(
        default=5000, ge=1, description="Most records fetched by one poll (max_poll_records)."
    )
    index_flush_bytes: int = Field(
        default=5 * 1024 * 1024, ge=1024, description="Bulk body size that flushes."
    )
    index_bulk_concurrency: int = Field(
        default=2,
        ge=1,
        description="Batches written at once (bulk requests in flight) while the next one is built; "
        "offsets are still committed in order, once every earlier batch is written.",
    )
    index_linger_seconds: float = Field(default=0.5, ge=0, description="Longest wait for a batch to fill.")
    index_retry_initial_seconds: float = Field(default=0.25, gt=0, description="First retry delay.")
    index_retry_max_seconds: float = Field(default=30.0, gt=0, description="Longest retry delay.")
    index_retry_give_up_seconds: float = Field(
        default=0, ge=0, description="Stop (without committing) after retrying this long; 0 retries forever."
    )
    index_max_consecutive_dead_letters: int = Field(
        default=1000, ge=1, description="Circuit breaker: stop when this many messages in a row are rejected."
    )
    index_metrics_enabled: bool = Field(
        default=False, description="Serve Prometheus /metrics (on in containers: also the liveness probe)."
    )
    index_metrics_host: str = "127.0.0.1"
    index_metrics_port: int = Field(
        default=9102, ge=1, le=65535, description="Beside classify on 6066 and alerts on 6067."
    )
    index_refresh_on_flush: bool = Field(
        default=False, description="refresh=wait_for on bulk (tests, demos)."
    )

    query_max_page_size: int = Field(default=100, ge=1, le=1000)
    query_default_page_size: int = Field(default=20, ge=1)
    query_top_providers: int = Field(default=10, ge=1, le=100)
