"""When things happen on their own: the weekly story job and the crontab reading it relies on."""
