/* isptool test declarations: generated QNN model sources include this header. The SDK's version
 * defines op and parameter name macros; isptool writes op and parameter names as strings, so
 * nothing is needed from it here. */
#ifndef ISPTOOL_TEST_QNN_OP_DEF_H
#define ISPTOOL_TEST_QNN_OP_DEF_H
#endif
