"""Flask extensions, created here and bound to the app in the factory."""

from flask_jwt_extended import JWTManager
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from homeledger import db_setup  # noqa: F401  (engine pragmas)
from homeledger.models.base import Base

db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()
csrf = CSRFProtect()
jwt = JWTManager()
