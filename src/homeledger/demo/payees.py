"""Who the demo household pays and is paid by: categories, accounts, payee names and prices."""

from __future__ import annotations

from decimal import Decimal

CATEGORY_TYPES = {
    "Salary": "income",
    "Other Income": "income",
    "Housing": "expense",
    "Utilities": "expense",
    "Groceries": "expense",
    "Dining Out": "expense",
    "Transport": "expense",
    "Health": "expense",
    "Insurance": "expense",
    "Entertainment": "expense",
    "Shopping": "expense",
    "Subscriptions": "expense",
    "Transfers": "transfer",
}
EXPENSE_CATEGORIES = tuple(name for name, kind in CATEGORY_TYPES.items() if kind == "expense")
OWNERS = ("Alex", "Sam", "Joint")

# The accounts a row is paid from or into.
EVERYDAY, CARD, SAVINGS = "Everyday", "Credit Card", "Savings"

GROCERS = (
    "WOOLWORTHS 1234 SYDNEY",
    "WOOLWORTHS 3311 NEWTOWN",
    "COLES 0456 NEWTOWN",
    "ALDI STORES 12 MARRICKVILLE",
)
TOP_UPS = (
    "IGA XPRESS ENMORE",
    "HARRIS FARM MARKETS LEICHHARDT",
    "7-ELEVEN 2231 NEWTOWN",
    "WOOLWORTHS METRO 5521 SYDNEY",
    "BAKERS DELIGHT NEWTOWN",
)
CAFES = (
    "SQ *BREW LAB NEWTOWN",
    "CAMPOS COFFEE NEWTOWN",
    "SQ *BLUE DOOR CAFE",
    "GLORIA JEANS 0112 SYDNEY",
)
COFFEE_CENTS = (450, 480, 500, 520, 550, 600)
LUNCH = (
    "SUBWAY 32118 SYDNEY",
    "SUSHI HUB TOWN HALL",
    "SQ *SALAD BOX",
    "ZAMBRERO CBD",
    "MADE IN ITALY SYDNEY",
)
BRUNCH = ("SQ *THE GROUNDS ALEXANDRIA", "CAFE 63 NEWTOWN", "SQ *DEVON CAFE SURRY HILLS")
DINNER = (
    "UBER *EATS",
    "MENULOG PTY LTD",
    "THAI POTHONG NEWTOWN",
    "GUZMAN Y GOMEZ 118",
    "DOMINOS PIZZA 9052",
    "MAMAK CHINATOWN",
    "THE COURTHOUSE HOTEL NEWTOWN",
)
FUEL = ("SHELL 0421 ST PETERS", "BP CONNECT 7781 TEMPE", "7-ELEVEN 4120 FUEL", "AMPOL FOODARY 2203")
PARKING = ("WILSON PARKING SYDNEY", "SECURE PARKING 0033")
PHARMACY = ("CHEMIST WAREHOUSE 331", "PRICELINE PHARMACY NEWTOWN")
FUN = (
    "EVENT CINEMAS GEORGE ST",
    "HOYTS BROADWAY",
    "TICKETEK AUSTRALIA",
    "STEAM PURCHASE",
    "ENMORE THEATRE",
    "TIMEZONE BROADWAY",
    "BOOKTOPIA PTY LTD",
)
SHOPS = (
    "KMART 1043 MARRICKVILLE",
    "BIG W 0221 MARRICKVILLE",
    "TARGET 5512 BROADWAY",
    "AMAZON AU MARKETPLACE",
    "UNIQLO SYDNEY",
    "BUNNINGS 7721 ALEXANDRIA",
    "OFFICEWORKS 0614",
    "MYER SYDNEY",
)
BIG_SHOPS = ("JB HI-FI BROADWAY", "IKEA TEMPE", "HARVEY NORMAN ALEXANDRIA")

# Years before today -> Netflix's price, so the current price is the same whatever `years` is.
NETFLIX_CENTS = (2599, 2299, 2299, 1899, 1699)
# Relative household energy use by month: air-conditioning makes Dec-Feb the peak.
ENERGY_USE = (1.5, 1.4, 1.1, 0.85, 0.8, 0.95, 1.05, 1.0, 0.85, 0.8, 0.95, 1.35)

# The recurring bills the plans turn into commitments: the walk pays them under these names
# (a commitment starts on its payee's first row) and at these fixed prices in cents.
RENT, ELECTRICITY, INTERNET = "RAY WHITE NEWTOWN RENT", "ORIGIN ENERGY 4410", "AUSSIE BROADBAND"
NETFLIX, ALEX_PHONE, SAM_PHONE = "Netflix.com", "TELSTRA MOBILE", "OPTUS MOBILE"
GYM, CAR_INSURANCE = "ANYTIME FITNESS", "NRMA CAR INSURANCE"
INTERNET_CENTS, ALEX_PHONE_CENTS, SAM_PHONE_CENTS, GYM_CENTS = 8900, 6500, 4500, 3490

# The car loan's terms, and the lounge suite bought on Zip Pay and repaid monthly.
CAR_LOAN_CENTS, CAR_LOAN_RATE, CAR_LOAN_MONTHS = 2800000, Decimal("7.49"), 60
ZIP_PRICE_CENTS, ZIP_REPAYMENT_CENTS = 180000, 15000
