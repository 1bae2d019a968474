package daemon

import "log/slog"

// slogLevelFor logs client errors at info and server errors at warn, so a
// default info log shows what went wrong without a line per poll.
func slogLevelFor(status int) slog.Level {
	switch {
	case status >= 500:
		return slog.LevelWarn
	case status >= 400:
		return slog.LevelInfo
	default:
		return slog.LevelDebug
	}
}
