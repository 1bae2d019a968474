package gitops

import (
	"fmt"
	"io"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/appconfig/types"
)

// statusLine is the line at the bottom of a terminal that says what Apply
// is doing, redrawn in place; lines of what was done are written above
// it. Where out is no terminal nothing is drawn and lines are just
// written.
type statusLine struct {
	out      io.Writer
	terminal bool
	width    int // of the line drawn, 0 when none is
}

// draw shows line as the status, on a terminal.
func (s *statusLine) draw(line string) {
	if !s.terminal {
		return
	}
	pad := max(s.width-len(line), 0)
	fmt.Fprint(s.out, "\r"+line+strings.Repeat(" ", pad))
	s.width = len(line)
}

// clear removes the status line, leaving the cursor at its start.
func (s *statusLine) clear() {
	if s.width == 0 {
		return
	}
	fmt.Fprint(s.out, "\r"+strings.Repeat(" ", s.width)+"\r")
	s.width = 0
}

// println writes line above the status, which the next draw shows again.
func (s *statusLine) println(line string) {
	s.clear()
	fmt.Fprintln(s.out, line)
}

// barWidth is the number of cells of a progress bar.
const barWidth = 20

// bar draws done of total as "[#######.............]".
func bar(done, total int) string {
	cells := 0
	if total > 0 {
		cells = min(max(done, 0), total) * barWidth / total
	}
	return "[" + strings.Repeat("#", cells) + strings.Repeat(".", barWidth-cells) + "]"
}

// deployProgress shows how one deployment is going.
type deployProgress struct {
	status  *statusLine
	what    string // "shop/limits version 3 to prod"
	state   types.DeploymentState
	percent int
	shown   bool
}

// show shows the deployment's state, when it changed: on a terminal as
// the status line, "[#######.............] 35% deploying shop/limits
// version 3 to prod"; otherwise as a line of its own.
func (p *deployProgress) show(state types.DeploymentState, percent float32) {
	n := min(max(int(percent), 0), 100)
	if p.shown && state == p.state && n == p.percent {
		return
	}
	p.state, p.percent, p.shown = state, n, true
	if !p.status.terminal {
		p.status.println(fmt.Sprintf("deploying %s: %d%% %s", p.what, n, state))
		return
	}
	p.status.draw(fmt.Sprintf("%s %d%% deploying %s", bar(n, 100), n, p.what))
}
