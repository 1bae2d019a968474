package appconfigd

// WaitForActions waits until the extension actions queued in the
// background have run, for tests that queue none meanwhile.
func WaitForActions(s *Service) { s.actions.jobs.Wait() }
