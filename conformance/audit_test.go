package conformance

import (
	"errors"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/appconfig"
	"github.com/aws/aws-sdk-go-v2/service/appconfig/types"

	"github.com/appconfigd/appconfigd/internal/apptest"
)

// auditEntry is an entry of GET /admin/audit.
type auditEntry struct {
	Time, RequestId, AccessKeyId, KeyName, Operation, Resource string
	Status                                                     int
	ErrorCode, Message                                         string
}

// TestAudit drives changes through the SDK and reads them back from the
// admin API with the Basic credentials an operator's script would use.
func TestAudit(t *testing.T) {
	t.Parallel()
	ts := startServer(t)

	created, err := ts.control.CreateApplication(ctx(t), &appconfig.CreateApplicationInput{Name: aws.String("audited")})
	if err != nil {
		t.Fatalf("CreateApplication: %v", err)
	}
	createID, _ := awsmiddleware.GetRequestIDMetadata(created.ResultMetadata)
	_, err = ts.control.DeleteApplication(ctx(t), &appconfig.DeleteApplicationInput{ApplicationId: aws.String("nosuchapp")})
	var notFound *types.ResourceNotFoundException
	if !errors.As(err, &notFound) {
		t.Fatalf("DeleteApplication of a missing application: %v, want ResourceNotFoundException", err)
	}
	var respErr *awshttp.ResponseError
	if !errors.As(err, &respErr) {
		t.Fatalf("DeleteApplication error %T carries no response", err)
	}
	deleteID := respErr.ServiceRequestID()
	// Reads are not audited.
	if _, err := ts.control.ListApplications(ctx(t), &appconfig.ListApplicationsInput{}); err != nil {
		t.Fatalf("ListApplications: %v", err)
	}

	var page struct {
		Entries   []auditEntry
		NextToken string
	}
	if status := adminRequest(t, ts, http.MethodGet, "/admin/audit", nil, &page); status != http.StatusOK {
		t.Fatalf("GET /admin/audit = %d, want 200", status)
	}
	at := apptest.Start.Format(time.RFC3339Nano)
	want := []auditEntry{
		{Time: at, RequestId: deleteID, AccessKeyId: accessKeyID, KeyName: "test-admin", Operation: "DeleteApplication",
			Resource: "/applications/nosuchapp", Status: http.StatusNotFound, ErrorCode: "ResourceNotFound", Message: notFound.ErrorMessage()},
		{Time: at, RequestId: createID, AccessKeyId: accessKeyID, KeyName: "test-admin", Operation: "CreateApplication",
			Resource: "/applications", Status: http.StatusCreated},
	}
	if len(page.Entries) != len(want) || page.NextToken != "" {
		t.Fatalf("GET /admin/audit = %+v, want exactly %+v", page, want)
	}
	for i := range want {
		if page.Entries[i] != want[i] {
			t.Errorf("entry %d = %+v\nwant      %+v", i, page.Entries[i], want[i])
		}
	}
	if createID == "" || deleteID == "" || createID == deleteID {
		t.Errorf("request IDs %q and %q, want two distinct ones from the SDK", createID, deleteID)
	}

	// Filters, with the application's deletion and an admin change.
	setAlarm(t, ts, highErrorRate, "ALARM")
	if status := adminRequest(t, ts, http.MethodGet, "/admin/audit?operation=SetAlarmState", nil, &page); status != http.StatusOK {
		t.Fatalf("GET /admin/audit?operation=SetAlarmState = %d, want 200", status)
	}
	if len(page.Entries) != 1 || page.Entries[0].Resource != "/admin/alarms/"+highErrorRate || page.Entries[0].Status != http.StatusOK {
		t.Errorf("SetAlarmState entries = %+v, want the one PUT of %s", page.Entries, highErrorRate)
	}
	q := url.Values{"max_results": {"1"}}
	if status := adminRequest(t, ts, http.MethodGet, "/admin/audit?"+q.Encode(), nil, &page); status != http.StatusOK {
		t.Fatalf("GET /admin/audit?%s = %d, want 200", q.Encode(), status)
	}
	if len(page.Entries) != 1 || page.Entries[0].Operation != "SetAlarmState" || page.NextToken == "" {
		t.Errorf("first page of 1 = %+v, want the newest entry and a NextToken", page)
	}
}
