"""The flow inspector: what a click became, and what the back end did with it.

recorder.py listens to a request (signals, SQL events, the security log)
and writes its story into records.py's in-memory ring; telling.py puts
each step in plain words; masking.py keeps secrets out; views.py shows
/flow and /flow/<id>; learn.py the guided /learn (development only). On
while FLOW_INSPECTOR is (development by default).
"""
