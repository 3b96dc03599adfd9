"""The desk: escalations and approvals for people, and what they may do with them."""
