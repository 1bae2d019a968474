package ion

import "time"

// Kind is the Ion type of a Value.
type Kind int

// The Ion types this package reads. Typed nulls (null.string and the like)
// are all Null: nothing in AppConfig's documents depends on a null's type.
const (
	Null      Kind = iota // null, null.int, null.string, …
	Bool                  // true, false
	Int                   // 42, -0x2A, 0b101010, 1_000
	Decimal               // 1.5, 15d-1
	Float                 // 1.5e0, nan, +inf, -inf
	Timestamp             // 2007T, 2007-02-23, 2007-02-23T12:14:33.079-08:00
	String                // "text", '''long text'''
	Symbol                // identifier, 'quoted symbol', + (in s-expressions)
	List                  // [a, b]
	SExp                  // (a b)
	Struct                // {a: 1, "b": 2}
)

// String returns the Ion name of the kind, as Ion's typed nulls spell it.
func (k Kind) String() string {
	switch k {
	case Null:
		return "null"
	case Bool:
		return "bool"
	case Int:
		return "int"
	case Decimal:
		return "decimal"
	case Float:
		return "float"
	case Timestamp:
		return "timestamp"
	case String:
		return "string"
	case Symbol:
		return "symbol"
	case List:
		return "list"
	case SExp:
		return "sexp"
	case Struct:
		return "struct"
	}
	return "unknown"
}

// Value is one Ion value with its annotations. Kind says which of the other
// fields carry the value; the rest are zero.
type Value struct {
	Kind        Kind
	Annotations []string  // `a::b::x` → ["a", "b"]
	Bool        bool      // Bool
	Int         int64     // Int (values outside int64 are a syntax error)
	Float       float64   // Float, and Decimal approximated as a float64
	Text        string    // String and Symbol text; Decimal and Timestamp literal text, exactly as written
	Time        time.Time // Timestamp: the instant; a partial timestamp (2007-02T) is the start of its period
	Elems       []Value   // List and SExp
	Fields      []Field   // Struct, in source order (Ion allows repeated names)
	Offset      int       // byte offset of the value (its first annotation) in the source
}

// Field is one name/value pair of a struct.
type Field struct {
	Name  string
	Value Value
}
