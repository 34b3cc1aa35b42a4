"""Start threads until the container refuses one (or LIMIT + 100 run); print how many started.

Usage: python count_threads.py LIMIT
"""

import sys
import threading

stop = threading.Event()
started = 0
try:
    while started < int(sys.argv[1]) + 100:
        threading.Thread(target=stop.wait, daemon=True).start()
        started += 1
except RuntimeError:  # can't start new thread: the pids limit
    pass
stop.set()
print(started)
