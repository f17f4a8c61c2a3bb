"""Operations: health and readiness probes, Prometheus metrics, the heartbeats of the
workers and beat, and the JSON log format of production."""
