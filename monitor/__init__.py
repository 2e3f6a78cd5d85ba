"""What the operator watches: Prometheus metrics and the parts' liveness beats."""
