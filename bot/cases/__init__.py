"""Cases: one record per customer problem, its lifecycle, follow-ups, satisfaction and KPIs."""
