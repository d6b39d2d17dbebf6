"""E-mail: messages to the office and the agencies, the transports (file, SMTP) and the durable outbox with retries."""
