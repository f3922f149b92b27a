"""Criminal networks from call records: key players, brokers, disruption simulation."""
