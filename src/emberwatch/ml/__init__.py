"""Pure ML: features, simulation, training, evaluation and artifacts. Imports neither FastAPI nor SQLAlchemy."""
