"""DBMIS: the Delivery Unit's Database Management Information System.

A provincial Rule of Law Roadmap run the "Deliverology" way: district returns are validated,
loaded into a warehouse, rolled up into KPIs against trajectories and published.
"""

__version__ = "0.1.0"
