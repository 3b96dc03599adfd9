"""What Twilio's channels share: the account, the REST client, signatures, forms and sending."""
