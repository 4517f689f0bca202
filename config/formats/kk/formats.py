# Kazakh number and date formats, which Django does not ship (its ru ones are the same kind):
# 336 756 and 54,19 as CLDR's kk locale writes them, dates as the CEC's protocols do (19.03.2023).
DATE_FORMAT = "d.m.Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "d.m.Y H:i"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"  # a space that never breaks a number across lines
NUMBER_GROUPING = 3
