import Testing
import FakePolymarket
