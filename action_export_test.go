package appconfigd

// WaitForActions waits until the extension actions queued in the
// background have run, those they queue included.
func WaitForActions(s *Service) { <-s.actions.whenIdle() }
