"""Uplink to the district public-security cloud: transactional outbox, GA/T 1400 payloads, delivery loop."""
